"""Word lists the fact rules lean on: teams, activities, places, schools, relatives, pets.

They are deliberately general (every major North American league, the big European football
clubs, well-known college programmes, common hobbies, countries, states and big cities), not
fitted to any mailbox. A team whose nickname is an ordinary word ("Giants", "Twins", "Heat")
only counts when capitalised.
"""

from __future__ import annotations

import re

# --- teams -----------------------------------------------------------------------------
# "alias|alias=Full Name" — aliases are matched as whole words.
_TEAMS = """
red sox|sox|bosox=Boston Red Sox; yankees|yanks=New York Yankees; mets=New York Mets;
blue jays|jays=Toronto Blue Jays; orioles=Baltimore Orioles; rays=Tampa Bay Rays;
white sox=Chicago White Sox; guardians|indians=Cleveland Guardians; tigers=Detroit Tigers;
royals=Kansas City Royals; twins=Minnesota Twins; astros|stros=Houston Astros;
angels=Los Angeles Angels; athletics=Oakland Athletics; mariners=Seattle Mariners;
rangers=Rangers; braves=Atlanta Braves; marlins=Miami Marlins; phillies|phils=Philadelphia Phillies;
nationals|nats=Washington Nationals; cubs=Chicago Cubs; reds=Cincinnati Reds;
brewers=Milwaukee Brewers; pirates|bucs=Pittsburgh Pirates; cardinals|cards=St. Louis Cardinals;
diamondbacks|d-backs|dbacks=Arizona Diamondbacks; rockies=Colorado Rockies;
dodgers=Los Angeles Dodgers; padres=San Diego Padres; giants=Giants;
patriots|pats=New England Patriots; bills=Buffalo Bills; dolphins=Miami Dolphins;
jets=Jets; ravens=Baltimore Ravens; bengals=Cincinnati Bengals; browns=Cleveland Browns;
steelers=Pittsburgh Steelers; texans=Houston Texans; colts=Indianapolis Colts;
jaguars|jags=Jacksonville Jaguars; titans=Tennessee Titans; broncos=Denver Broncos;
chiefs=Kansas City Chiefs; raiders=Las Vegas Raiders; chargers=Los Angeles Chargers;
cowboys=Dallas Cowboys; eagles=Philadelphia Eagles; commanders|redskins=Washington Commanders;
bears=Chicago Bears; lions=Detroit Lions; packers=Green Bay Packers; vikings|vikes=Minnesota Vikings;
falcons=Atlanta Falcons; panthers=Panthers; saints=New Orleans Saints;
buccaneers=Tampa Bay Buccaneers; 49ers|niners=San Francisco 49ers;
seahawks=Seattle Seahawks; rams=Los Angeles Rams; oilers=Oilers;
celtics=Boston Celtics; knicks=New York Knicks; nets=Brooklyn Nets;
76ers|sixers=Philadelphia 76ers; raptors=Toronto Raptors; bulls=Chicago Bulls;
cavaliers|cavs=Cleveland Cavaliers; pistons=Detroit Pistons; pacers=Indiana Pacers;
bucks=Milwaukee Bucks; hornets=Charlotte Hornets; heat=Miami Heat; magic=Orlando Magic;
wizards=Washington Wizards; nuggets=Denver Nuggets; timberwolves|wolves=Minnesota Timberwolves;
thunder=Oklahoma City Thunder; trail blazers|blazers=Portland Trail Blazers; jazz=Utah Jazz;
warriors|dubs=Golden State Warriors; clippers=Los Angeles Clippers; lakers=Los Angeles Lakers;
suns=Phoenix Suns; kings=Kings; mavericks|mavs=Dallas Mavericks;
rockets=Houston Rockets; grizzlies=Memphis Grizzlies; pelicans=New Orleans Pelicans;
spurs=Spurs; bruins=Boston Bruins; sabres=Buffalo Sabres; red wings=Detroit Red Wings;
canadiens|habs=Montreal Canadiens; senators|sens=Ottawa Senators; maple leafs|leafs=Toronto Maple Leafs;
hurricanes|canes=Carolina Hurricanes; blue jackets=Columbus Blue Jackets; devils=New Jersey Devils;
islanders|isles=New York Islanders; flyers=Philadelphia Flyers; penguins|pens=Pittsburgh Penguins;
capitals|caps=Washington Capitals; blackhawks=Chicago Blackhawks; avalanche|avs=Colorado Avalanche;
stars=Dallas Stars; wild=Minnesota Wild; predators|preds=Nashville Predators; blues=St. Louis Blues;
flames=Calgary Flames; canucks=Vancouver Canucks; golden knights=Vegas Golden Knights;
kraken=Seattle Kraken; sharks=San Jose Sharks; ducks=Anaheim Ducks; lightning=Tampa Bay Lightning;
arsenal|gunners=Arsenal; chelsea=Chelsea; liverpool=Liverpool; man united|man utd|manchester united=Manchester United;
man city|manchester city=Manchester City; tottenham|spurs=Tottenham Hotspur; everton=Everton;
celtic=Celtic; rangers fc=Rangers FC; barcelona|barca=FC Barcelona; real madrid=Real Madrid;
bayern|bayern munich=Bayern Munich; juventus|juve=Juventus; ac milan=AC Milan; psg=Paris Saint-Germain;
sounders=Seattle Sounders; timbers=Portland Timbers; galaxy=LA Galaxy; revolution|revs=New England Revolution;
longhorns|horns=Texas Longhorns; aggies=Texas A&M Aggies; sooners=Oklahoma Sooners;
crimson tide|bama=Alabama Crimson Tide; buckeyes=Ohio State Buckeyes; wolverines=Michigan Wolverines;
fighting irish=Notre Dame Fighting Irish; tar heels|heels=North Carolina Tar Heels;
blue devils=Duke Blue Devils; hoyas=Georgetown Hoyas; wildcats=Wildcats; jayhawks=Kansas Jayhawks;
gators=Florida Gators; seminoles|noles=Florida State Seminoles; hokies=Virginia Tech Hokies;
cornhuskers|huskers=Nebraska Cornhuskers; badgers=Wisconsin Badgers; spartans=Michigan State Spartans;
nittany lions=Penn State Nittany Lions; bulldogs=Bulldogs; ducks fc=Oregon Ducks; huskies=Huskies;
volunteers|vols=Tennessee Volunteers; razorbacks|hogs=Arkansas Razorbacks; tigers fc=Tigers;
trojans=USC Trojans; bruins fc=UCLA Bruins; cougars=Cougars; orange=Syracuse Orange;
hurricanes fc=Miami Hurricanes; boilermakers=Purdue Boilermakers; hawkeyes=Iowa Hawkeyes
"""
# Nicknames that are everyday words: only a capitalised mention counts.
COMMON_WORD_TEAMS = frozenset(
    ["sox", "giants", "twins", "heat", "magic", "jazz", "thunder", "wild", "kings", "stars", "blues", "rangers", "cardinals", "cards", "jets", "bears", "lions", "saints", "chiefs", "rays", "nets", "suns", "reds", "royals", "braves", "angels", "pirates", "mariners", "bills", "pack", "birds", "hawks", "fins", "bolts", "caps", "pens", "avs", "isles", "canes", "sens", "orange", "huskies", "bulldogs", "wildcats", "cougars", "tigers", "ducks", "spurs", "devils", "flames", "sharks", "lightning", "wolves", "dubs", "heels", "horns", "hogs", "vols", "cards", "o's", "m's", "a's", "c's", "revs", "galaxy", "celtic", "chelsea", "leafs", "blazers", "rockets", "warriors", "titans", "raiders", "colts", "browns", "panthers", "eagles", "falcons", "dolphins", "packers"]
)
TEAMS: dict[str, str] = {}
for _entry in _TEAMS.replace("\n", " ").split(";"):
    if "=" in _entry:
        _aliases, _full = _entry.split("=")
        for _a in _aliases.split("|"):
            _a = _a.strip().lower()
            _a = _a[:-3] if _a.endswith(" fc") else _a
            TEAMS.setdefault(_a, _full.strip())
# Chants that name a team without the word "fan".
CHANTS: dict[str, str] = {
    "hook'em horns": "Texas Longhorns", "hook em horns": "Texas Longhorns",
    "hook 'em horns": "Texas Longhorns", "roll tide": "Alabama Crimson Tide",
    "gig 'em": "Texas A&M Aggies", "gig em": "Texas A&M Aggies", "war eagle": "Auburn Tigers",
    "boomer sooner": "Oklahoma Sooners", "go blue": "Michigan Wolverines",
    "go bucks": "Ohio State Buckeyes", "wahoowa": "Virginia Cavaliers", "who dey": "Cincinnati Bengals",
    "fly eagles fly": "Philadelphia Eagles", "let's go mets": "New York Mets",
}


def team_alternation() -> str:
    names = sorted(TEAMS, key=len, reverse=True)
    parts = []
    for n in names:
        esc = re.escape(n).replace(r"\ ", r"\s+")
        if n in COMMON_WORD_TEAMS:
            esc = "(?-i:" + "".join(f"[{c.upper()}]" if i == 0 else c for i, c in enumerate(esc)) + ")"
        parts.append(esc)
    return "(?:" + "|".join(parts) + ")"


# --- activities --------------------------------------------------------------------------
# canonical name: surface words (nouns and -ing forms); verbs for "I sail" live in VERBS.
ACTIVITIES: dict[str, str] = {}
_ACT = """
sailing: sailing, sail, regatta, regattas; golf: golf, golfing; running: running, jogging, trail running;
marathon running: marathon, marathons, half marathon, half marathons, half-marathon, ultramarathon, ultra;
triathlon: triathlon, triathlons, tri, tris, ironman; cycling: cycling, biking, bike riding, mountain biking;
skiing: skiing, ski, cross-country skiing; snowboarding: snowboarding; hiking: hiking, hikes, backpacking;
rock climbing: rock climbing, climbing, bouldering; fishing: fishing, fly fishing, fly-fishing;
ice fishing: ice fishing; hunting: hunting, deer hunting, duck hunting; swimming: swimming;
surfing: surfing; kayaking: kayaking; canoeing: canoeing; rowing: rowing, crew; yoga: yoga; pilates: pilates;
crossfit: crossfit; tennis: tennis; pickleball: pickleball; squash: squash; chess: chess; poker: poker;
knitting: knitting, crochet, crocheting; sewing: sewing, quilting; pottery: pottery, ceramics, wheel throwing;
painting: painting, watercolors, watercolor, watercolours, oil painting; drawing: drawing, sketching;
photography: photography; woodworking: woodworking, woodwork; gardening: gardening;
baking: baking; cooking: cooking; homebrewing: homebrewing, home brewing, brewing beer;
guitar: guitar; piano: piano; violin: violin; cello: cello; drums: drums; singing: singing, choir;
dancing: dancing, salsa dancing, ballroom dancing, swing dancing, ballet; theater: theater, theatre, improv;
reading: reading; book club: book club; writing: writing fiction, poetry; birdwatching: birdwatching, birding, bird watching;
gaming: gaming, video games; camping: camping; horseback riding: horseback riding, riding horses, horse riding, riding;
jazz: jazz; opera: opera; classical music: classical music; wine: wine tasting, wine;
soccer: soccer; basketball: basketball; softball: softball; baseball: baseball; volleyball: volleyball;
hockey: hockey, ice hockey; lacrosse: lacrosse; rugby: rugby; cricket: cricket; flag football: flag football;
skating: skating, ice skating; scuba diving: scuba diving, scuba, diving; paintball: paintball;
bowling: bowling; martial arts: martial arts, karate, judo, jiu-jitsu, jiu jitsu, taekwondo, boxing, kickboxing;
meditation: meditation; culinary: culinary; archery: archery; motorcycles: motorcycling, motorcycles;
sailing races: sailboat racing; travel: travel, traveling, travelling;
cooking: cook; baking: bake; painting: paint; drawing: draw; hiking: hike; skiing: ski; sailing: sail;
fishing: fish; swimming: swim; surfing: surf; knitting: knit; gardening: garden; reading: read;
dancing: dance; singing: sing; running: run; cycling: cycle, bike; rock climbing: climb; kayaking: kayak
"""
for _line in _ACT.replace("\n", " ").split(";"):
    if ":" in _line:
        _canon, _words = _line.split(":")
        for _w in _words.split(","):
            ACTIVITIES[_w.strip()] = _canon.strip()
# "I <verb>" habits: verb forms -> activity.
VERBS: dict[str, str] = {
    "sail": "sailing", "golf": "golf", "ski": "skiing", "snowboard": "snowboarding", "hike": "hiking",
    "climb": "rock climbing", "boulder": "rock climbing", "fish": "fishing", "hunt": "hunting",
    "swim": "swimming", "surf": "surfing", "kayak": "kayaking", "row": "rowing", "knit": "knitting",
    "crochet": "knitting", "sew": "sewing", "quilt": "sewing", "paint": "painting", "bake": "baking",
    "garden": "gardening", "cycle": "cycling", "bike": "cycling", "run": "running", "jog": "running",
    "ride": "horseback riding", "skate": "skating", "dance": "dancing", "sing": "singing",
    "bowl": "bowling", "box": "martial arts", "meditate": "meditation", "brew": "homebrewing",
}
# Verbs that need a habit word after them ("I run every morning"), being ordinary words.
WEAK_VERBS = frozenset({"run", "ride", "paint", "sing", "dance", "box", "row", "fish", "bike", "cycle", "swim", "jog", "bowl", "garden", "bake", "hunt", "hike", "skate", "brew", "sew", "climb"})
# "an avid golfer" -> golf
DOERS: dict[str, str] = {
    "golfer": "golf", "runner": "running", "marathoner": "marathon running", "cyclist": "cycling",
    "skier": "skiing", "sailor": "sailing", "hiker": "hiking", "climber": "rock climbing",
    "knitter": "knitting", "photographer": "photography", "birder": "birdwatching", "reader": "reading",
    "swimmer": "swimming", "surfer": "surfing", "gardener": "gardening", "baker": "baking",
    "fisherman": "fishing", "angler": "fishing", "hunter": "hunting", "chess player": "chess",
    "tennis player": "tennis", "pianist": "piano", "guitarist": "guitar", "triathlete": "triathlon",
    "yogi": "yoga", "potter": "pottery", "painter": "painting", "snowboarder": "snowboarding",
    "kayaker": "kayaking", "woodworker": "woodworking", "home cook": "cooking", "foodie": "food",
    "bookworm": "reading", "gamer": "gaming",
}
LANGUAGES = ["italian", "spanish", "french", "german", "portuguese", "japanese", "mandarin", "chinese", "cantonese", "korean", "arabic", "russian", "danish", "swedish", "norwegian", "dutch", "greek", "hebrew", "hindi", "polish", "turkish", "vietnamese", "thai", "swahili", "irish", "welsh", "latin"]

# --- people and pets -----------------------------------------------------------------------
RELATIONS = {
    "wife": "wife", "husband": "husband", "partner": "partner", "spouse": "spouse",
    "fiancé": "fiancé", "fiancée": "fiancée", "fiance": "fiancé", "fiancee": "fiancée",
    "girlfriend": "girlfriend", "boyfriend": "boyfriend", "son": "son", "daughter": "daughter",
    "kid": "child", "kids": "children", "child": "child", "children": "children",
    "baby": "baby", "twins": "twins", "mom": "mother", "mother": "mother", "mum": "mother",
    "mommy": "mother", "mama": "mother", "dad": "father", "father": "father", "daddy": "father",
    "parents": "parents", "brother": "brother", "sister": "sister", "grandson": "grandson",
    "granddaughter": "granddaughter", "grandkids": "grandchildren", "grandchildren": "grandchildren",
    "grandchild": "grandchild", "grandbaby": "grandchild",
    "grandmother": "grandmother", "grandma": "grandmother", "granny": "grandmother",
    "grandfather": "grandfather", "grandpa": "grandfather", "stepson": "stepson",
    "stepdaughter": "stepdaughter", "niece": "niece", "nephew": "nephew", "aunt": "aunt",
    "uncle": "uncle", "cousin": "cousin", "mother-in-law": "mother-in-law",
    "father-in-law": "father-in-law", "sister-in-law": "sister-in-law",
    "brother-in-law": "brother-in-law", "son-in-law": "son-in-law",
    "daughter-in-law": "daughter-in-law", "in-laws": "in-laws", "oldest": "oldest child",
    "youngest": "youngest child", "eldest": "eldest child", "little one": "child",
}
SPECIES = {
    "dog": "dog", "dogs": "dog", "puppy": "dog", "pup": "dog", "puppies": "dog", "cat": "cat",
    "cats": "cat", "kitten": "cat", "kittens": "cat", "kitty": "cat", "rabbit": "rabbit",
    "bunny": "rabbit", "hamster": "hamster", "guinea pig": "guinea pig", "parrot": "parrot",
    "bird": "bird", "parakeet": "bird", "budgie": "bird", "horse": "horse", "horses": "horse",
    "pony": "horse", "goldfish": "fish", "turtle": "turtle", "tortoise": "turtle", "lizard": "lizard",
    "gecko": "lizard", "snake": "snake", "ferret": "ferret", "chickens": "chicken", "goat": "goat",
    "goats": "goat", "golden retriever": "dog", "labrador": "dog", "lab": "dog", "beagle": "dog",
    "poodle": "dog", "labradoodle": "dog", "goldendoodle": "dog", "corgi": "dog", "greyhound": "dog",
    "dachshund": "dog", "husky": "dog", "german shepherd": "dog", "terrier": "dog", "bulldog": "dog",
    "pug": "dog", "chihuahua": "dog", "retriever": "dog", "spaniel": "dog", "collie": "dog",
    "border collie": "dog", "mutt": "dog", "boxer": "dog", "rottweiler": "dog", "shih tzu": "dog",
    "schnauzer": "dog", "tabby": "cat", "siamese": "cat", "maine coon": "cat",
}

# --- work and school -----------------------------------------------------------------------
TITLES = ["ceo", "cfo", "cto", "coo", "cmo", "cio", "ciso", "cpo", "vp", "svp", "evp", "avp", "president", "vice", "president", "director", "manager", "engineer", "developer", "analyst", "associate", "consultant", "partner", "principal", "founder", "co-founder", "cofounder", "owner", "lead", "head", "chief", "officer", "counsel", "attorney", "lawyer", "paralegal", "accountant", "controller", "treasurer", "secretary", "editor", "writer", "reporter", "producer", "designer", "architect", "scientist", "researcher", "professor", "teacher", "instructor", "lecturer", "coach", "nurse", "doctor", "physician", "surgeon", "pharmacist", "dentist", "therapist", "trader", "broker", "banker", "recruiter", "administrator", "coordinator", "specialist", "strategist", "superintendent", "principal", "dean", "chair", "chairman", "chairwoman", "supervisor", "foreman", "technician", "representative", "rep", "executive", "intern", "apprentice", "fellow", "resident", "clerk", "officer", "planner", "programmer", "marketer", "salesperson", "advisor", "adviser", "buyer", "agent", "pastor", "minister", "rabbi", "librarian", "curator", "chef", "cook", "baker", "pilot", "firefighter", "officer", "sergeant", "captain", "lieutenant"]
SCHOOLS = ["Harvard", "Yale", "Princeton", "Stanford", "MIT", "Caltech", "Duke", "UNC", "UVA", "Georgetown", "Michigan", "Tufts", "Babson", "Emory", "Purdue", "Oberlin", "Northwestern", "Cornell", "Columbia", "Penn", "UPenn", "Dartmouth", "Brown", "Berkeley", "UCLA", "USC", "NYU", "BU", "BC", "Boston College", "Boston University", "Notre Dame", "Rice", "UT", "UT Austin", "Texas A&M", "A&M", "Wharton", "Kellogg", "HBS", "Sloan", "Booth", "Haas", "Stern", "Fuqua", "Tuck", "Darden", "Ross", "Johns Hopkins", "Vanderbilt", "Wellesley", "Williams", "Amherst", "Middlebury", "Bowdoin", "Carleton", "Pomona", "Swarthmore", "Vassar", "Smith", "Barnard", "Georgia Tech", "Virginia Tech", "Penn State", "Ohio State", "Michigan State", "Wisconsin", "Minnesota", "Iowa", "Indiana", "Illinois", "UIUC", "Rutgers", "Syracuse", "Villanova", "Fordham", "Baylor", "TCU", "SMU", "LSU", "Auburn", "Alabama", "Clemson", "Florida", "FSU", "Miami", "Tulane", "Wake Forest", "Carnegie Mellon", "CMU", "Case Western", "Brandeis", "Northeastern", "Bates", "Colby", "Colgate", "Bucknell", "Lehigh", "Howard", "Spelman", "Morehouse", "Oxford", "Cambridge", "LSE", "Imperial", "McGill", "Toronto", "UBC", "Waterloo", "Stanford GSB", "INSEAD", "Juilliard", "RISD", "Berklee", "West Point", "Annapolis", "Brigham Young", "BYU", "Utah", "Colorado", "Arizona State", "ASU", "Oregon", "Washington", "UW", "UCSD", "UC Davis", "Chicago", "UChicago", "Emerson", "Pepperdine", "Gonzaga", "Marquette", "Creighton", "Xavier", "Temple", "Drexel", "Pitt"]
SCHOOL_WORDS = r"(?:University|College|Institute|School|Academy|Polytechnic|Law|Tech|State)"

# --- places --------------------------------------------------------------------------------
PLACES = ["afghanistan", "argentina", "aruba", "australia", "austria", "bahamas", "barbados", "belgium", "belize", "bermuda", "bolivia", "brazil", "bulgaria", "cambodia", "canada", "chile", "china", "colombia", "costa", "rica", "croatia", "cuba", "cyprus", "czechia", "denmark", "dominican", "republic", "ecuador", "egypt", "england", "estonia", "fiji", "finland", "france", "germany", "ghana", "greece", "guatemala", "holland", "hungary", "iceland", "india", "indonesia", "ireland", "israel", "italy", "jamaica", "japan", "jordan", "kenya", "korea", "laos", "latvia", "lebanon", "lithuania", "malaysia", "malta", "mexico", "morocco", "nepal", "netherlands", "new", "zealand", "nicaragua", "nigeria", "norway", "panama", "peru", "philippines", "poland", "portugal", "puerto", "rico", "romania", "russia", "scotland", "senegal", "serbia", "singapore", "slovakia", "slovenia", "south", "africa", "spain", "sri", "lanka", "sweden", "switzerland", "taiwan", "tanzania", "thailand", "turkey", "uganda", "ukraine", "uruguay", "vietnam", "wales", "europe", "asia", "africa", "hawaii", "alaska", "maui", "kauai", "oahu", "atlanta", "austin", "baltimore", "boston", "boulder", "buffalo", "charlotte", "chicago", "cincinnati", "cleveland", "columbus", "dallas", "denver", "detroit", "honolulu", "houston", "indianapolis", "jacksonville", "kansas", "city", "las", "vegas", "los", "angeles", "memphis", "miami", "milwaukee", "minneapolis", "nashville", "new", "orleans", "new", "york", "oakland", "omaha", "orlando", "philadelphia", "phoenix", "pittsburgh", "portland", "raleigh", "sacramento", "salt", "lake", "city", "san", "antonio", "san", "diego", "san", "francisco", "san", "jose", "seattle", "st.", "louis", "tampa", "tucson", "washington", "dc", "brooklyn", "manhattan", "queens", "cambridge", "somerville", "hoboken", "jersey", "city", "toronto", "montreal", "vancouver", "calgary", "ottawa", "london", "paris", "berlin", "madrid", "barcelona", "lisbon", "porto", "rome", "milan", "florence", "venice", "naples", "amsterdam", "brussels", "dublin", "edinburgh", "glasgow", "manchester", "munich", "frankfurt", "hamburg", "vienna", "prague", "budapest", "warsaw", "copenhagen", "stockholm", "oslo", "helsinki", "athens", "istanbul", "dubai", "tel", "aviv", "jerusalem", "cairo", "nairobi", "cape", "town", "johannesburg", "lagos", "mumbai", "delhi", "bangalore", "tokyo", "kyoto", "osaka", "seoul", "beijing", "shanghai", "hong", "kong", "taipei", "bangkok", "hanoi", "manila", "jakarta", "bali", "sydney", "melbourne", "auckland", "mexico", "city", "cancun", "tulum", "cabo", "lima", "bogota", "bogotá", "santiago", "buenos", "aires", "rio", "sao", "paulo", "havana", "napa", "sonoma", "vermont", "maine", "ohio", "texas", "florida", "california", "colorado", "utah", "arizona", "oregon", "montana", "idaho", "wyoming", "michigan", "wisconsin", "minnesota", "iowa", "missouri", "kentucky", "tennessee", "georgia", "alabama", "carolina", "virginia", "maryland", "delaware", "connecticut", "massachusetts", "new", "hampshire", "rhode", "island", "pennsylvania", "new", "jersey", "telluride", "aspen", "vail", "park", "city", "tahoe", "lake", "tahoe", "sugar", "land", "galveston", "katy", "the", "woodlands"]
_MULTI = ["costa rica", "dominican republic", "new zealand", "puerto rico", "south africa", "sri lanka", "kansas city", "las vegas", "los angeles", "new orleans", "new york", "salt lake city", "san antonio", "san diego", "san francisco", "san jose", "st. louis", "washington dc", "jersey city", "tel aviv", "cape town", "hong kong", "mexico city", "buenos aires", "sao paulo", "new hampshire", "rhode island", "new jersey", "park city", "lake tahoe", "sugar land", "the woodlands"]
_PART_ONLY = frozenset(
    ["new", "york", "city", "san", "salt", "lake", "st.", "louis", "las", "vegas", "los", "angeles", "jersey", "tel", "aviv", "cape", "town", "hong", "kong", "buenos", "aires", "sao", "paulo", "rhode", "island", "park", "sugar", "land", "the", "woodlands", "south", "sri", "lanka", "costa", "rica", "puerto", "rico", "dominican", "republic", "zealand", "orleans", "diego", "francisco", "jose", "antonio", "dc", "hampshire"]
)
PLACE_NAMES = frozenset(p for p in PLACES if p not in _PART_ONLY) | frozenset(_MULTI)
STATE_NAMES = dict(zip(
    ["AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY", "DC"],
    ["Alabama", "Alaska", "Arizona", "Arkansas", "California", "Colorado", "Connecticut", "Delaware",
     "Florida", "Georgia", "Hawaii", "Idaho", "Illinois", "Indiana", "Iowa", "Kansas", "Kentucky",
     "Louisiana", "Maine", "Maryland", "Massachusetts", "Michigan", "Minnesota", "Mississippi",
     "Missouri", "Montana", "Nebraska", "Nevada", "New Hampshire", "New Jersey", "New Mexico",
     "New York", "North Carolina", "North Dakota", "Ohio", "Oklahoma", "Oregon", "Pennsylvania",
     "Rhode Island", "South Carolina", "South Dakota", "Tennessee", "Texas", "Utah", "Vermont",
     "Virginia", "Washington", "West Virginia", "Wisconsin", "Wyoming", "Washington, DC"]))
US_STATE_CODES = frozenset(
    ["AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY", "DC"]
)
# Capitalised words that are not places even after "in"/"to".
NOT_PLACES = frozenset(
    ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december", "christmas", "thanksgiving", "easter", "zoom", "slack", "teams", "sales", "marketing", "finance", "legal", "engineering", "product", "hr", "it", "ops", "operations", "support", "office", "trial", "court", "the", "a", "an", "i", "we", "my", "our", "your", "his", "her", "their", "this", "that", "these", "those", "spring", "summer", "fall", "autumn", "winter", "town", "tomorrow", "today", "tonight", "person", "touch", "charge", "costco", "target", "walmart", "kroger", "starbucks", "home", "work", "church", "school", "college"]
)
